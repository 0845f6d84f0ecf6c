"""Online strategic facilitation, the programme's second way of delivering (the 2021 model):
engagements with an area's strategic leaders, their meetings online, and what they agree."""
