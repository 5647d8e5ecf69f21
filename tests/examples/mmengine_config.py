param_scheduler = [
    dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=10),
    dict(
        type="CosineAnnealingLR",
        T_max=11,
        eta_min=1e-5,
        by_epoch=True,
        begin=1,
        end=12,
        convert_to_iter_based=True,
    ),
]
train_cfg = dict(type="EpochBasedTrainLoop", max_epochs=12)
optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.02, momentum=0.9), accumulative_counts=1)
train_dataloader = dict(
    batch_size=8, sampler=dict(type="DefaultSampler", shuffle=True), dataset=dict(type="ToyDataset")
)
