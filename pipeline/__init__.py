"""Customer-emotion stream pipeline: Plutchik emotions, journey stages and churn-risk alerts."""

__version__ = "0.1.0"
