"""PyTorch: ``torch.optim.lr_scheduler``, reproduced (`reproduce`) and written (`emit`)."""
