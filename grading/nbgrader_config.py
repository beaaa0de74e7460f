"""nbgrader settings for the course (used by `make lessons` and by autograding)."""

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "nn-workbook"

# Student notebooks get a stub that fails loudly until the exercise is done.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A cell that runs longer than this is stopped and scores 0; the rest is still graded.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# A student who deleted a test cell gets it back before grading.
c.OverwriteCells.add_missing_cells = True

# nbgrader gives 0 to a test cell with any stderr output, so a correct answer that merely
# warns would lose its points. Drop stderr from graded cells; real failures raise errors.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"
