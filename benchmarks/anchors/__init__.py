"""Scripts run by another interpreter (the Consist 0.3.5 venv, or ours) in a subprocess.

They use only the standard library plus ``consist``'s public API and print one JSON
object on the last line of stdout. They must not import the harness: the reference
interpreter does not have it on its path.
"""
