"""The Production aggregate: state, transitions, the start decision and the step rules."""
