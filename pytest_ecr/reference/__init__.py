"""Differential mode: a live target's answers against reference recordings.

A *reference* is a cassette directory recorded against a reference target (AWS,
ideally). With ``--ecr-reference DIR`` every answer of the live run is paired with the
reference answer of the same test and call (:mod:`.differ`), both are normalised
(:mod:`.normalise`), and the differences are reported in a wire and a parsed layer
(:mod:`.diff`); :mod:`.files` reads the reference directory and the file of accepted
differences.
"""
