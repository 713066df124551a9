"""Semi-annual planning of the strategic consultations."""
