"""``python -m descentlab`` and the ``descentlab`` command: Ctrl-C while the libraries load
ends quietly (nothing ran, nothing to say), and so does one that comes as the process exits."""

import signal


def run() -> int:
    try:
        from descentlab.cli import main
    except KeyboardInterrupt:
        return 130
    try:
        return main()
    except KeyboardInterrupt:  # before or after the command's own handling: nothing to keep
        import sys

        print("descentlab: interrupted", file=sys.stderr)
        return 130
    finally:  # the command has said what it kept: a Ctrl-C from now on changes nothing
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread
            pass


if __name__ == "__main__":
    raise SystemExit(run())
