"""The optimizer lab's views: the surface, 3D, the basin and momentum maps, the losses and α_t,
and the explanation."""
