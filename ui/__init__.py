"""Descent's Qt user interface: the main window, the shared framework and one folder per lab."""
