"""Writes to the establishment register: reference areas, the GIAS import, MHST areas."""
