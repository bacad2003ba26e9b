"""ehoks: the HOKS data store and the eHOKS-compatible service API."""

__version__ = "0.1.0"
