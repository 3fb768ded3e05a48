"""CareerPilot: a career-guidance assistant for job seekers and their counselors."""
