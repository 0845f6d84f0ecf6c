"""The coordinators' pages of the establishment register: the list with each school's place in
the programme, a school's page (its places, emails and history), exports and contact emails.

They live here, above the register (``schools``), because they show what only the programme
knows; the register itself knows no programme. Their URL names stay ``schools:…``.
"""
