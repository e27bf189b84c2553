"""The model's training and evaluation: the network, the FER2013 and FER+ recipe, calibration fitting, the model card.

It builds on the engine (fer_core) and writes the model folder (fer_core.model_files); the engine never imports it.
Command line: `python -m fer_core.training train|calibrate|card`.
"""
