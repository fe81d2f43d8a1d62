"""The child process of the sandbox: limit itself, load the learner's file, run the checks.

    python -B -m descentlab.exercises.child LESSON FILE SEED START RESULTS MEMORY_MB OUTPUT_CHARS FAILED

FAILED is a JSON object: the checks that failed before START, name -> mistake.

Each result is one JSON line appended to RESULTS and flushed at once, so the parent
knows how far the checks got if this process is killed or crashes.
"""

import json
import resource
import sys

from .lessons import get_lesson
from .runner import CappedWriter, run_checks

FILE_BYTES = 4 * 2**20  # what the learner may write to a file descriptor directly (os.write)


def vm_bytes():
    """This process's virtual memory size now (0 when /proc is not there)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_resources(memory_mb):
    """Address space: what Python and NumPy use now plus ``memory_mb`` for the learner's code;
    no core files; no file written past :data:`FILE_BYTES`."""
    if memory_mb > 0:
        limit = vm_bytes() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))


def main(argv):
    lesson, path, seed, start, results, memory_mb, output_chars, failed = argv
    out = open(results, "a", encoding="utf-8")  # opened before any learner code runs

    def emit(record):
        out.write(json.dumps(record) + "\n")
        out.flush()

    limit_resources(int(memory_mb))
    writer = CappedWriter(limit=int(output_chars))
    sys.stdout = sys.stderr = writer
    run_checks(get_lesson(lesson), path, int(seed), emit, start=int(start), writer=writer,
               failed=json.loads(failed))
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
