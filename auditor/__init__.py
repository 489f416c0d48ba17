"""hmo-audit: audit an HMO's quality management program documents against the rules that govern it."""

__version__ = "0.1.0"
