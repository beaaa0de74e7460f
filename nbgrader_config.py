"""nbgrader's settings for this course: the repository is the course folder.

nbgrader's folders, relative to this file's folder (the course root):
  solutions/<lesson>/                      the instructor's notebooks (nbgrader's "source")
  lessons/<lesson>/                        the student notebooks, made by `make lessons` ("release")
  submitted/<student>/<lesson>/            what `nbgrader collect` (or `make collect`) brings in
  autograded/<student>/<lesson>/           what `make grade` writes, which formgrader shows
  feedback/<student>/<lesson>/             what `make feedback` writes, for `release_feedback`
  gradebook.db                             the gradebook (or a PostgreSQL URL: `make grade DB=...`)
submitted/, autograded/, feedback/, downloaded/ and the gradebook hold student data: never
committed (.gitignore). On a hub, set c.Exchange.root and c.CourseDirectory.course_id in the
instructor's ~/.jupyter/nbgrader_config.py if they differ from the defaults below.
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides it)

# The course root is this file's folder, wherever nbgrader is started from (traitlets sets
# __file__ while it reads the file).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))  # noqa: F821
c.CourseDirectory.course_id = "nn-workbook"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Student notebooks get a stub that fails loudly until the exercise is done.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Stock `nbgrader autograde` (make grade uses its own sandboxed grader; see grading/README.md):
# a cell that runs longer than this is stopped and scores 0; the rest is still graded.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# A student who deleted a test cell gets it back before grading.
c.OverwriteCells.add_missing_cells = True
# nbgrader gives 0 to a test cell with any stderr output, so a correct answer that merely
# warns would lose its points. Drop stderr from graded cells; real failures raise errors.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# Late work (make grade applies it too): nbgrader's plugin; "none" keeps the score, "zero"
# gives 0 to anything after the due date set in formgrader. A custom plugin class goes in
# c.AssignLatePenalties.plugin_class.
c.LateSubmissionPlugin.penalty_method = "none"
