"""What every lab shares, each piece written once: the controller and page bases, the binder,
the worker job, plot helpers, widgets and style. See CONTRIBUTING.md for how they fit."""
