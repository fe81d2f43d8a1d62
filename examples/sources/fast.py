"""Cells of the notebook 04-fast-and-big: markdown and code, written by ``make_notebooks.py``."""

from cells import SETUP, code, md

CELLS = [
    md("""
# Fast and big: a memmap and a Dask fit

`GDRegressor`'s `"moments"` solver makes one pass over the rows to collect the data's
moments ($\\tfrac1N X^\\top X$, $\\tfrac1N X^\\top y$, ...); after it every epoch costs
$O(d^2)$ whatever the number of rows, with the same loss and gradients as the readable
`"gd"` solver. So data that lives on disk (a NumPy memmap) or in chunks (Dask)
trains without ever being one array in memory.
"""),
    code(SETUP + """
import tempfile
import time
from pathlib import Path
"""),
    md("## A data set on disk: 400,000 rows x 20 features, read as a memmap"),
    code("""
rng = np.random.default_rng(0)
n, d = 400_000, 20
true_coef = rng.normal(size=d)
folder = Path(tempfile.mkdtemp())
X_mm = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float64, shape=(n, d))
for start in range(0, n, 100_000):                      # written block by block
    block = rng.normal(size=(min(100_000, n - start), d)) * np.linspace(0.5, 5, d)
    X_mm[start:start + len(block)] = block
y = np.asarray(X_mm @ true_coef + 3.0 + rng.normal(size=n))
X_mm.flush(); del X_mm
X_disk = np.load(folder / "X.npy", mmap_mode="r")
print(type(X_disk).__name__, X_disk.shape, f"{X_disk.nbytes / 1e6:.0f} MB on disk")
"""),
    code("""
timings, models = {}, {}
for solver in ["moments", "gd"]:                        # 100 epochs each, no early stop
    start = time.perf_counter()
    models[solver] = dl.GDRegressor(solver=solver, tol=None, epochs=100).fit(X_disk, y)
    timings[solver] = time.perf_counter() - start
    error = np.max(np.abs(models[solver].coef_ - true_coef))
    print(f"solver={solver:8s} {timings[solver]:6.2f} s for 100 epochs, "
          f"largest coefficient error {error:.2e}, intercept {models[solver].intercept_:.4f}")
gap = np.max(np.abs(models["moments"].coef_ - models["gd"].coef_))
print(f"moments is {timings['gd'] / timings['moments']:.1f} times faster; the two fits differ by {gap:.1e}")
model = models["moments"]
"""),
    md("""
## The same fit on Dask arrays

With a `dask.distributed` client active, the moments are Dask reductions computed on the
cluster (here a small local one, in this process); the fit then runs on the moments. The
data are made by Dask chunk by chunk (another draw of the same model).
"""),
    code("""
import dask.array as da
from distributed import Client, LocalCluster

cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
client = Client(cluster)
# the data made chunk by chunk by Dask itself (seeded): never one array in this process
drng = da.random.default_rng(1)
dX = drng.normal(size=(n, d), chunks=(50_000, d)) * np.linspace(0.5, 5, d)
dy = dX @ true_coef + 3.0 + drng.normal(size=n, chunks=50_000)
start = time.perf_counter()
dask_model = dl.GDRegressor(tol=None, epochs=100).fit(dX, dy)
print(f"Dask fit {time.perf_counter() - start:.2f} s on {dX.npartitions} chunks of {n:,} rows; "
      f"largest coefficient error {np.max(np.abs(dask_model.coef_ - true_coef)):.2e}, "
      f"intercept {dask_model.intercept_:.4f}")
client.close(); cluster.close()
"""),
    code("from descentlab.viz.history import plot_history\nplot_history(dask_model.history_, log=True);", "figure"),
]
