"""The classifier lab: a softmax classifier's decision regions forming live (see README)."""
