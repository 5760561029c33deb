"""The optimizer lab: SGD, momentum, RMSprop and Adam racing across 2D loss surfaces."""
