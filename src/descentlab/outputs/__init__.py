"""Everything that writes files: figures, histories, metrics, animations, reports, model
files, predictions, an exercise's starter and a class's grades, each written atomically
(:mod:`descentlab.files`); and what each command does (:mod:`.runs`, :mod:`.models`), so a
command makes one call here."""
