"""Instructor tools: build the student lessons and autograde submissions with nbgrader."""
