"""timm: ``timm.scheduler``, reproduced (`reproduce`) and written (`emit`)."""
