"""The tuning lab's views, one class per lesson tab, each in its own file and named in the lab's
``LESSONS``. Each is made as ``View(lab, key)``, builds its plot items once and only calls
``setData`` in ``draw(rich)``; ``csv_lines()`` is the lesson's data for File > Export as CSV."""
