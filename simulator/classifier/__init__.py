"""What the classifier lab computes beyond training, testable without Qt.

- ``softmax``: the notes' softmax computation step by step (the probe, the worked example).
- ``plane``: the decision plane's readouts: misclassified points, the logistic-regression
  comparison (fitted once per training set), the class of the point under the cursor, and the
  points with their predictions for export.
- ``network``: the hidden units' activations over the plane, and the plane's grid warped into two
  hidden units.
- ``history``: the per-epoch ``History``, the bounded per-iteration ``CostTrace`` (the cost of
  every mini-batch) and ``noise``, how jagged a cost curve is.

The modules are imported by name (``from simulator.classifier.plane import ...``): this package
imports nothing itself, so ``simulator.training`` can use ``softmax`` without an import cycle.
"""
