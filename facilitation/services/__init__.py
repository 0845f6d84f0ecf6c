"""Every write of online strategic facilitation, by topic: engagements and their stages,
stakeholders (one by one or from a CSV), meetings (invitations, notes, attendance) and the
scheduled reminders. Each takes keyword arguments and ``actor=``, runs in one transaction
and writes its emails to the outbox in it."""
