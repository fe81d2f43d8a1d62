"""Everything that writes files: figures, histories, metrics, animations, reports, model
predictions; each file written atomically (:mod:`descentlab.files`)."""
