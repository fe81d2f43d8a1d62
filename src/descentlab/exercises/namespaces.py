"""Where Linux allows it without privileges, the child runs in its own namespaces.

``unshare`` gives it its own user, mount, network and PID namespaces; :data:`SETUP` (run
inside them, before Python starts) makes every mount read-only except the child's work
folder and hides descentlab's package folder under an empty read-only tmpfs. The child is
then PID 1 of its namespace: when it ends, the kernel ends every process it started.
"""

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent  # descentlab/, hidden from the child
SETUP = r"""set -e
WORK=$1; PACKAGE=$2; shift 2
mount --bind "$WORK" "$WORK"
while read -r _ _ _ _ point _; do
  [ "$point" = "$WORK" ] && continue
  case "$point" in *\\*) continue;; esac
  mount -o remount,bind,ro "$point"
done < /proc/self/mountinfo
mount -t tmpfs -o ro,size=4k descentlab "$PACKAGE"
exec "$@"
"""
NAMESPACES = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
              "--kill-child", "--mount-proc"]


@functools.cache
def isolation() -> str:
    """``"namespaces"`` when unprivileged user, mount, network and PID namespaces work here,
    else ``"process"`` (see the module's docstring)."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return "process"
    with tempfile.TemporaryDirectory(prefix="descentlab-probe-") as tmp:
        try:
            done = subprocess.run([*NAMESPACES, "sh", "-c", SETUP, "sh", tmp, str(PACKAGE),
                                   "sh", "-c", f"test ! -e {PACKAGE}/__init__.py"],
                                  capture_output=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return "process"
    return "namespaces" if done.returncode == 0 else "process"


def numpy_lib(folder: Path) -> Path:
    """A folder holding links to NumPy (and its bundled libraries), nothing else.

    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     lib = numpy_lib(Path(tmp, "lib"))
    ...     sorted(p.name for p in lib.iterdir()), (lib / "numpy").is_symlink()
    (['numpy'...], True)
    """
    import numpy

    site = Path(numpy.__file__).resolve().parents[1]
    folder.mkdir()
    for name in ("numpy", "numpy.libs"):
        if (site / name).exists():
            (folder / name).symlink_to(site / name)
    return folder


def namespace_size(pids: list[int]) -> int:
    """How many processes share the PID namespace of the first of ``pids``.

    >>> namespace_size([os.getpid()]) >= 1, namespace_size([])  # this one counts itself
    (True, 0)
    """
    try:
        ns = os.readlink(f"/proc/{pids[0]}/ns/pid")
    except (OSError, IndexError):
        return 0
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.readlink(f"/proc/{entry}/ns/pid") == ns
            except OSError:
                pass
    return count


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, read from /proc.

    >>> child = subprocess.Popen(["sleep", "9"])
    >>> child.pid in children(os.getpid())
    True
    >>> child.kill(); child.wait()
    -9
    """
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def kill_marked(token: str) -> None:
    """Kill every process whose environment carries ``DESCENTLAB_SESSION=token`` (the
    children of a sandbox without namespaces whose supervisor was killed).

    >>> env = {**os.environ, "DESCENTLAB_SESSION": "doctest-kill-marked"}
    >>> child = subprocess.Popen(["sleep", "9"], env=env)
    >>> kill_marked("doctest-kill-marked"); child.wait()  # killed by its mark
    -9
    """
    marker = f"DESCENTLAB_SESSION={token}".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if marker in f.read().split(b"\0"):
                        os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
