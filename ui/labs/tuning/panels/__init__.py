"""The tuning lab's lesson panels, one class per lesson, named in the lab's ``LESSONS``. Each is
made as ``Panel(lab, binder, key)``, binds its widgets with the binder, and has
``show_iteration()`` (its progress line)."""
