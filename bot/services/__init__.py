"""Services decide: plain functions with their inputs passed in, no storage or transport."""
