"""Shared test set-up: Qt renders offscreen, so no test needs a display."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py: small matrices, no BLAS threads
