"""Writes of the cohorts app, one module per subject.

``cohorts`` (creating, opening, resizing, cancelling cohorts), ``places`` (booking, the
waiting list, offers, moves), ``progress`` (attendance, and settling places when a cohort
completes), ``sessions`` (the cohort's rules about its workshop days, professionals and
attendance, over ``workshops.services``), ``planning`` (the cohort planning helper) and
``links`` (the schools' signed self-service links). Import the module you need: this
package imports nothing, so these modules can call each other.
"""
