"""Readers of sanctions and defence-industry lists whose layout a YAML profile cannot express."""
