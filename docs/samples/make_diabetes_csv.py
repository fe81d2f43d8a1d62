"""diabetes.csv: scikit-learn's diabetes data in its original units, the target
named ``progression`` (442 rows; the guides' ``descentlab fit`` examples read it)."""

from sklearn.datasets import load_diabetes

frame = load_diabetes(as_frame=True, scaled=False).frame
frame = frame.rename(columns={"target": "progression"})
frame.to_csv("diabetes.csv", index=False)
