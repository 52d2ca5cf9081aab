#!/usr/bin/env python3
"""PyTorch re-implementation of dna's networks and training step, for side-by-side measurements.

The architectures mirror the Java engine exactly (dna-samediff's RestorerNets, EpsNet and JointGraph):
the same layers, channel counts, padding (SAME: stride-2 convolutions pad 0 before and 1 after, as
libnd4j and TensorFlow do), GroupNorm, scale-shift conditioning, attention, residual swap and channel
shuffle as mask selects, the same losses and PyTorch's Adam with an EMA of the restorer. Parameter
counts are printed so a caller can check they equal the Java ones.

    python3 tools/torch_reference.py bench --width 16 --depth 2 --diffusion-width 16 --multipliers 1,2 \
        --res-blocks 1 --dropout 0.1 --batch 4 --patch 48 --steps 10 --threads 2 --variant full

prints one JSON object: parameter counts, forward FLOPs, per-step seconds (median, all), and the
restorer's inference seconds at --sizes. The train subcommand runs the whole recipe on data exported by
the Java benchmark (DenoisingBenchmark --export-calibration-data; see tools/calibrate.sh). Works with
PyTorch 1.13 (Debian's python3-torch) and 2.x, on CPU or --device cuda.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_same(x, conv, stride):
    """SAME padding as libnd4j: for stride 2 and even input, 0 before and 1 after."""
    k = conv.kernel_size[0]
    if stride == 1:
        return conv(F.pad(x, ((k - 1) // 2, k // 2, (k - 1) // 2, k // 2))) if k > 1 else conv(x)
    h = x.shape[-1]
    out = -(-h // stride)
    total = max((out - 1) * stride + k - h, 0)
    before = total // 2
    return conv(F.pad(x, (before, total - before, before, total - before)))


class Conv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, zero=False):
        super().__init__()
        self.c = nn.Conv2d(cin, cout, k, stride=stride, padding=0)
        self.stride = stride
        if zero:
            nn.init.zeros_(self.c.weight)
        else:
            nn.init.normal_(self.c.weight, 0.0, math.sqrt(2.0 / (k * k * cin)))
        nn.init.zeros_(self.c.bias)

    def forward(self, x):
        return conv_same(x, self.c, self.stride)


def act(name):
    return {"leaky_relu": lambda x: F.leaky_relu(x, 0.2), "relu": F.relu, "silu": F.silu,
            "gelu": F.gelu, "tanh": torch.tanh}[name]


class UNet(nn.Module):
    """RestorerNets.unet: returns G(x), the residual. The defaults are the authors' RestorationNet (models/net/UNet.py):
    bilinear upsampling with align_corners=True, a 3x3 conv_up after it, a 3x3 last convolution."""

    def __init__(self, width, depth, activation="leaky_relu", upsampling="bilinear_align_corners", up_conv=True,
                 out_kernel=3):
        super().__init__()
        self.depth, self.act, self.upsampling = depth, act(activation), upsampling
        self.enc = nn.ModuleList()
        cin = 3
        for i in range(depth):
            ch = width << i
            self.enc.append(nn.ModuleList([Conv(cin, ch, 3), Conv(ch, ch, 3)]))
            cin = ch
        ch = width << depth
        self.mid = nn.ModuleList([Conv(cin, ch, 3), Conv(ch, ch, 3)])
        self.dec = nn.ModuleList()
        self.up = nn.ModuleList()
        self.up_conv = nn.ModuleList()
        for i in reversed(range(depth)):
            out = width << i
            self.up.append(nn.ConvTranspose2d(ch, ch, 2, 2) if upsampling == "transposed_conv" else nn.Identity())
            self.up_conv.append(Conv(ch, out, 3) if up_conv else nn.Identity())
            self.dec.append(nn.ModuleList([Conv(2 * out if up_conv else ch + out, out, 3), Conv(out, out, 3)]))
            ch = out
        self.out = Conv(ch, 3, out_kernel)

    def forward(self, x):
        skips, h = [], x
        for a, b in self.enc:
            h = self.act(b(self.act(a(h))))
            skips.append(h)
            h = F.avg_pool2d(h, 2)
        h = self.act(self.mid[1](self.act(self.mid[0](h))))
        for up, uc, (a, b) in zip(self.up, self.up_conv, self.dec):
            if self.upsampling == "bilinear_align_corners":
                h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=True)
            elif self.upsampling == "bilinear":
                h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
            elif self.upsampling == "nearest":
                h = F.interpolate(h, scale_factor=2, mode="nearest")
            else:
                h = up(h)
            h = torch.cat([uc(h), skips.pop()], 1)
            h = self.act(b(self.act(a(h))))
        return self.out(h)


class DnCNN(nn.Module):
    def __init__(self, layers, width, activation="relu"):
        super().__init__()
        self.act = act(activation)
        self.convs = nn.ModuleList([Conv(3, width, 3)] + [Conv(width, width, 3) for _ in range(layers - 2)]
                                   + [Conv(width, 3, 3)])

    def forward(self, x):
        h = x
        for c in self.convs[:-1]:
            h = self.act(c(h))
        return self.convs[-1](h)


class Dense(nn.Linear):
    def __init__(self, cin, cout, zero=False):
        super().__init__(cin, cout)
        if zero:
            nn.init.zeros_(self.weight)
        else:
            nn.init.normal_(self.weight, 0.0, math.sqrt(2.0 / cin))
        nn.init.zeros_(self.bias)


class ResBlock(nn.Module):
    """guided-diffusion's ResBlock with scale-shift norm; resample "down" / "up" (resblock_updown) average-pools /
    nearest-upsamples both paths after the first GroupNorm and SiLU."""

    def __init__(self, cin, cout, emb, groups, dropout, zero=False, resample=None):
        super().__init__()
        self.resample = resample
        self.gn1, self.gn2 = nn.GroupNorm(groups, cin), nn.GroupNorm(groups, cout)
        self.conv1, self.conv2 = Conv(cin, cout, 3), Conv(cout, cout, 3, zero=zero)
        self.emb = Dense(emb, 2 * cout)
        self.skip = None if cin == cout else Conv(cin, cout, 1)
        self.dropout, self.cout = dropout, cout

    def forward(self, x, emb):
        h = F.silu(self.gn1(x))
        if self.resample == "down":
            h, x = F.avg_pool2d(h, 2), F.avg_pool2d(x, 2)
        elif self.resample == "up":
            h, x = F.interpolate(h, scale_factor=2, mode="nearest"), F.interpolate(x, scale_factor=2, mode="nearest")
        h = self.conv1(h)
        ss = self.emb(F.silu(emb))
        scale, shift = ss[:, :self.cout, None, None], ss[:, self.cout:, None, None]
        h = F.silu(self.gn2(h) * (1 + scale) + shift)
        mask = getattr(self, "mask", None)  # parity: the Java step's own dropout mask, 1/(1-p) folded in
        h = h * mask if mask is not None else F.dropout(h, self.dropout, self.training)
        h = self.conv2(h)
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    def __init__(self, ch, groups, zero=False):
        super().__init__()
        self.heads = max(1, ch // 32)
        self.gn = nn.GroupNorm(groups, ch)
        self.qkv, self.proj = Conv(ch, 3 * ch, 1), Conv(ch, ch, 1, zero=zero)

    def forward(self, x):
        n, ch, s, _ = x.shape
        d = ch // self.heads
        qkv = self.qkv(self.gn(x)).reshape(n * self.heads, 3 * d, s * s)
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        w = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(d), dim=2)
        a = v @ w.transpose(1, 2)
        return x + self.proj(a.reshape(n, ch, s, s))


class EpsNet(nn.Module):
    """dna-samediff's EpsNet: concat[x_t, c1, c2] [N, 9, S, S] and levels g [N] to noise [N, 3, S, S]. Defaults as the
    authors': resblock_updown, and Kaiming everywhere (their init_weights overwrites zero_module; zero=True restores it)."""

    def __init__(self, width, multipliers, res_blocks, groups, attention, dropout, updown=True, zero=False):
        super().__init__()
        self.w = width
        half = width // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half) / half))
        e = 4 * width
        self.emb1, self.emb2 = Dense(width, e), Dense(e, e)
        self.inp = Conv(9, width, 3)
        self.down = nn.ModuleList()
        skip_ch, ch = [width], width
        for level, m in enumerate(multipliers):
            for _ in range(res_blocks):
                self.down.append(ResBlock(ch, width * m, e, groups, dropout, zero))
                ch = width * m
                skip_ch.append(ch)
            if level < len(multipliers) - 1:
                self.down.append(ResBlock(ch, ch, e, groups, dropout, zero, "down") if updown else Conv(ch, ch, 3, stride=2))
                skip_ch.append(ch)
        self.mid1 = ResBlock(ch, ch, e, groups, dropout, zero)
        self.attn = Attention(ch, groups, zero) if attention else None
        self.mid2 = ResBlock(ch, ch, e, groups, dropout, zero)
        self.upb = nn.ModuleList()
        for level in reversed(range(len(multipliers))):
            for _ in range(res_blocks + 1):
                sc = skip_ch.pop()
                self.upb.append(ResBlock(ch + sc, width * multipliers[level], e, groups, dropout, zero))
                ch = width * multipliers[level]
            if level > 0:
                self.upb.append(ResBlock(ch, ch, e, groups, dropout, zero, "up") if updown else Conv(ch, ch, 3))
        self.gn_out = nn.GroupNorm(groups, ch)
        self.out = Conv(ch, 3, 3, zero=zero)

    def forward(self, x, g):
        args = g[:, None] * self.freqs[None]
        ge = torch.cat([torch.cos(args), torch.sin(args)], 1)
        if self.w % 2 == 1:
            ge = torch.cat([ge, torch.zeros_like(g[:, None])], 1)
        emb = self.emb2(F.silu(self.emb1(ge)))
        h = self.inp(x)
        skips = [h]
        for m in self.down:
            h = m(h, emb) if isinstance(m, ResBlock) else m(h)
            skips.append(h)
        h = self.mid1(h, emb)
        if self.attn is not None:
            h = self.attn(h)
        h = self.mid2(h, emb)
        for m in self.upb:
            if isinstance(m, ResBlock) and m.resample == "up":
                h = m(h, emb)
            elif isinstance(m, ResBlock):
                h = m(torch.cat([h, skips.pop()], 1), emb)
            else:
                h = m(F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.out(F.silu(self.gn_out(h)))


def select(m, a, b):
    return m * a + (1 - m) * b


def charbonnier(y, yhat, eps=1e-6):
    return torch.sqrt((y - yhat) ** 2 + eps).mean()


def joint_loss(G, D, xs, ys, xr, eps, level, keep1, keep2, lam, variant, margin=0.1, groups=1):
    """JointGraph's loss for one variant (vanilla, diffusion, shuffle, full); returns (loss, terms)."""
    if variant == "vanilla":
        lres = charbonnier(ys, xs + G(xs))
        return lres, {"l_res": lres}
    b = xs.shape[0]
    r = G(torch.cat([xs, xr], 0))
    rs, rr = r[:b], r[b:]
    ys_hat, yr_hat = xs + rs, xr + rr
    lres = charbonnier(ys, ys_hat)
    g4 = level.view(b, 1, 1, 1)
    xt = torch.sqrt(g4) * ys + torch.sqrt(1 - g4) * eps

    def cond(a, c, keep):
        if variant in ("shuffle", "full"):
            return torch.cat([xt, select(keep, a, c), select(keep, c, a)], 1)
        return torch.cat([xt, a, c], 1)

    pos = cond(ys_hat, yr_hat, keep1)
    if variant == "full":
        neg = cond(xs + rr, xr + rs, keep2)
        e = D(torch.cat([pos, neg], 0), torch.cat([level, level], 0))
        mse_pos, mse_neg = ((eps - e[:b]) ** 2).mean(), ((eps - e[b:]) ** 2).mean()
        if groups == 1:
            hinge = F.relu(mse_pos - mse_neg + margin)
        else:  # LossSpec.tripletGroups: the hinge per group of samples, then the mean
            pos_g = ((eps - e[:b]) ** 2).reshape(groups, -1).mean(1)
            neg_g = ((eps - e[b:]) ** 2).reshape(groups, -1).mean(1)
            hinge = F.relu(pos_g - neg_g + margin).mean()
        lnoise = 0.5 * (mse_pos + hinge)
        terms = {"l_res": lres, "mse_pos": mse_pos, "mse_neg": mse_neg, "hinge": hinge}
    else:
        mse_pos = ((eps - D(pos, level)) ** 2).mean()
        lnoise = 0.5 * mse_pos  # LossSpec: one normalisation, the hinge absent without swap
        terms = {"l_res": lres, "mse_pos": mse_pos}
    loss = lres + lam * lnoise
    terms["loss"] = loss
    return loss, terms


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def forward_flops(module, *inputs):
    """2 x multiply-accumulates of convolutions, transposed convolutions, dense layers and attention matmuls."""
    total = [0]

    def conv_hook(m, inp, out):
        total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin_hook(m, inp, out):
        total[0] += 2 * out.numel() * m.in_features

    def attn_hook(m, inp, out):
        n, ch, s, _ = inp[0].shape
        total[0] += 2 * 2 * n * ch * (s * s) ** 2  # q^T k and v w^T

    hooks = []
    for sub in module.modules():
        if isinstance(sub, (nn.Conv2d, nn.ConvTranspose2d)):
            hooks.append(sub.register_forward_hook(conv_hook))
        elif isinstance(sub, nn.Linear):
            hooks.append(sub.register_forward_hook(lin_hook))
        elif isinstance(sub, Attention):
            hooks.append(sub.register_forward_hook(attn_hook))
    with torch.no_grad():
        module(*inputs)
    for h in hooks:
        h.remove()
    return total[0]


def build(a):
    if a.restorer == "unet":
        G = UNet(a.width, a.depth, a.activation, a.upsampling, not a.no_up_conv, a.out_kernel)
    else:
        G = DnCNN(a.layers, a.width, a.activation if a.activation != "leaky_relu" else "relu")
    D = EpsNet(a.diffusion_width, a.multipliers, a.res_blocks, min(a.groups, a.diffusion_width), a.attention, a.dropout,
               not a.conv_updown)
    return G, D


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def bench(a):
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    G, D = build(a)
    G, D = G.to(dev), D.to(dev)
    uses_d = a.variant != "vanilla"
    params = list(G.parameters()) + (list(D.parameters()) if uses_d else [])
    opt = torch.optim.Adam(params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    ema = [p.detach().clone() for p in G.parameters()]
    b, s = a.batch, a.patch
    gen = torch.Generator(device="cpu").manual_seed(a.seed)

    def batch():
        r = lambda *shape: torch.rand(*shape, generator=gen).to(dev)
        return dict(xs=r(b, 3, s, s), ys=r(b, 3, s, s), xr=r(b, 3, s, s),
                    eps=torch.randn(b, 3, s, s, generator=gen).to(dev), level=r(b),
                    keep1=(r(b, 1, 1, 1) < 0.5).float(), keep2=(r(b, 1, 1, 1) < 0.5).float())

    G.train()
    D.train()

    def train_step(step, x):
        opt.zero_grad(set_to_none=True)
        loss, _ = joint_loss(G, D, lam=0.1, variant=a.variant, **x)
        loss.backward()
        opt.step()
        with torch.no_grad():
            d = min(0.999, (1.0 + step + 1) / (10.0 + step + 1))
            for e, p in zip(ema, G.parameters()):
                e.mul_(d).add_(p.detach(), alpha=1 - d)

    times = []
    for step in range(a.steps + 1):
        x = batch()
        sync(a.device)
        t0 = time.perf_counter()
        train_step(step, x)
        sync(a.device)
        if step > 0:
            times.append(time.perf_counter() - t0)
    if a.profile > 0:  # where the step's time goes, by op, to stderr (stdout stays the JSON line)
        with torch.autograd.profiler.profile() as prof:
            for step in range(a.profile):
                train_step(a.steps + 1 + step, batch())
        rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
        total = sum(e.self_cpu_time_total for e in rows)
        print("| op | calls per step | ms per step | share |", file=sys.stderr)
        print("|---|---|---|---|", file=sys.stderr)
        for e in rows[:20]:
            print("| %s | %d | %.1f | %.1f%% |" % (e.key, e.count // a.profile, e.self_cpu_time_total / 1000 / a.profile,
                                                   100 * e.self_cpu_time_total / total), file=sys.stderr)

    x = batch()
    if a.variant == "vanilla":
        step_flops = 3 * forward_flops(G, x["xs"])
    else:
        n_eps = 2 * b if a.variant == "full" else b
        step_flops = 3 * (forward_flops(G, torch.cat([x["xs"], x["xr"]], 0))
                          + forward_flops(D, torch.zeros(n_eps, 9, s, s, device=dev), torch.rand(n_eps, device=dev)))

    G.eval()
    inference = {}
    for size in a.sizes:
        img = torch.rand(1, 3, size, size, device=dev)
        ts = []
        with torch.no_grad():
            for i in range(a.reps + 1):
                sync(a.device)
                t0 = time.perf_counter()
                y = img + G(img)
                sync(a.device)
                if i > 0:
                    ts.append(time.perf_counter() - t0)
        inference[str(size)] = {"median_s": statistics.median(ts), "seconds": ts,
                                "forward_flops": forward_flops(G, img)}
    out = {
        "torch": torch.__version__, "device": a.device, "threads": torch.get_num_threads(), "variant": a.variant,
        "restorer_params": count_params(G), "diffusion_params": count_params(D),
        "step_median_s": statistics.median(times), "step_seconds": times, "step_flops": step_flops,
        "inference": inference,
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------------------------------
# train: the whole recipe on data written by the Java benchmark (DenoisingBenchmark --export-calibration-data DIR), for
# calibrating the method's settings on a GPU machine that has PyTorch but no JVM.


def load_npy_images(directory, names, dev):
    import numpy as np
    return [torch.from_numpy(np.load(f"{directory}/{n}.npy")).permute(2, 0, 1).float().div(255.0).to(dev) for n in names]


def crop_same(images, size, rng):
    """One random crop and one of the 8 dihedral transforms, applied alike to aligned [3, H, W] images."""
    h, w = images[0].shape[1:]
    top, left, k = rng.randrange(h - size + 1), rng.randrange(w - size + 1), rng.randrange(8)
    out = []
    for im in images:
        p = torch.rot90(im[:, top:top + size, left:left + size], k % 4, (1, 2))
        out.append(p.flip(2) if k >= 4 else p)
    return out


def noise_weight_at(loss, step, total):
    """LossSpec.noiseWeightAt: rampStages stages over rampSteps steps (the authors' p = min(epoch / 300, 1), epochs
    from 1), then held; rampStages 0 for a smooth ramp, rampSteps 0 for the whole run."""
    span = loss["rampSteps"] if loss["rampSteps"] > 0 else total
    stages = loss.get("rampStages", 0)
    if stages > 0:
        p = (min(stages - 1, math.floor(step * stages / span)) + 1) / stages
    else:
        p = min(1.0, step / span)
    return loss["noiseWeight"] * (2.0 / (1.0 + math.exp(-loss["rampSharpness"] * p)) - 1.0)


def variant_of(plan):
    """The ablation a Java plan JSON describes: vanilla, diffusion, shuffle or full."""
    if plan.get("diffusion") is None:
        return "vanilla"
    if plan["residualSwap"] and not plan["channelShuffle"]:
        raise SystemExit("residual swap without channel shuffle is not mirrored here")
    return ("full" if plan["residualSwap"] else "shuffle") if plan["channelShuffle"] else "diffusion"


def restorer_of(plan):
    r = plan["restorer"]
    if r["type"] != "unet":
        raise SystemExit("only the unet restorer is mirrored")
    return UNet(r["width"], r["depth"], r["activation"].lower(), r["upsampling"].lower(), r["upConv"], r["outKernel"])


def eps_net_of(plan):
    d = plan["diffusion"]
    return EpsNet(d["width"], d["multipliers"], d["resBlocks"], d["groups"], d["middleAttention"], d["dropout"],
                  d["resblockUpdown"], d["zeroInitOutputs"])


def java_parameters(G, D):
    """dna-samediff's parameter names -> (this module's parameter, layout), with layouts conv (Java YXIO
    [kh, kw, in, out], PyTorch [out, in, kh, kw]), dense (Java [in, out]) and vec (Java [C], [1, C] or [1, C, 1, 1])."""
    m = {}

    def conv(name, c):
        m[name + "/W"], m[name + "/b"] = (c.c.weight, "conv"), (c.c.bias, "vec")

    def dense(name, d):
        m[name + "/W"], m[name + "/b"] = (d.weight, "dense"), (d.bias, "vec")

    def gn(name, g):
        m[name + "/gain"], m[name + "/bias"] = (g.weight, "vec"), (g.bias, "vec")

    def res(name, blk):
        gn(name + "/gn1", blk.gn1)
        gn(name + "/gn2", blk.gn2)
        conv(name + "/conv1", blk.conv1)
        conv(name + "/conv2", blk.conv2)
        dense(name + "/emb", blk.emb)
        if blk.skip is not None:
            conv(name + "/skip", blk.skip)

    if G.upsampling == "transposed_conv":
        raise SystemExit("parity: the transposed-convolution restorer is not mapped")
    for i, (c1, c2) in enumerate(G.enc):
        conv(f"G/enc{i}a", c1)
        conv(f"G/enc{i}b", c2)
    conv("G/mid_a", G.mid[0])
    conv("G/mid_b", G.mid[1])
    for j, (uc, (c1, c2)) in enumerate(zip(G.up_conv, G.dec)):
        if isinstance(uc, Conv):
            conv(f"G/up{G.depth - 1 - j}_conv", uc)
        conv(f"G/dec{G.depth - 1 - j}a", c1)
        conv(f"G/dec{G.depth - 1 - j}b", c2)
    conv("G/out", G.out)
    if D is None:
        return m, {}
    dense("D/emb1", D.emb1)
    dense("D/emb2", D.emb2)
    conv("D/in", D.inp)
    blocks, k, levels = {}, 0, len([x for x in D.down if not isinstance(x, ResBlock)])
    for x in D.down:
        if isinstance(x, ResBlock):
            blocks[f"D/res{len(blocks)}"] = x
        else:
            conv(f"D/down{k}", x)
            k += 1
    blocks[f"D/res{len(blocks)}"] = D.mid1
    if D.attn is not None:
        gn("D/attn/gn", D.attn.gn)
        conv("D/attn/qkv", D.attn.qkv)
        conv("D/attn/proj", D.attn.proj)
    blocks[f"D/res{len(blocks)}"] = D.mid2
    for x in D.upb:
        if isinstance(x, ResBlock):
            blocks[f"D/res{len(blocks)}"] = x
        else:
            conv(f"D/up{levels}", x)
            levels -= 1
    for name, blk in blocks.items():
        res(name, blk)
    gn("D/out_gn", D.gn_out)
    conv("D/out", D.out)
    return m, blocks


def to_torch_layout(array, layout):
    t = torch.from_numpy(array)
    if layout == "conv":
        return t.permute(3, 2, 0, 1).contiguous()
    if layout == "dense":
        return t.t().contiguous()
    return t.reshape(-1)


def parity(a):
    """Loads one Java step (JointGraph: plan, parameters, feed, loss terms and gradients, in float64) and
    recomputes it here in float64; prints the largest relative differences as JSON."""
    import numpy as np
    manifest = json.load(open(f"{a.dir}/manifest.json"))

    def arr(name):
        shape = manifest["arrays"][name]
        return np.fromfile(f"{a.dir}/{manifest['files'][name]}", dtype="<f8").reshape(shape)

    plan = json.load(open(f"{a.dir}/plan.json"))
    variant = variant_of(plan)
    torch.manual_seed(0)
    G = restorer_of(plan).double()
    D = eps_net_of(plan).double() if variant != "vanilla" else None
    params, blocks = java_parameters(G, D)
    java_params = [n for n in manifest["arrays"] if n.startswith(("G/", "D/")) and not n.endswith("/dropout")]
    missing = sorted(set(java_params) ^ set(params))
    if missing:
        raise SystemExit(f"parity: parameters not matched between Java and the mirror: {missing}")
    with torch.no_grad():
        for n, (p, layout) in params.items():
            t = to_torch_layout(arr(n), layout)
            if t.shape != p.shape:
                raise SystemExit(f"parity: {n} has shape {tuple(t.shape)} in Java, {tuple(p.shape)} here")
            p.copy_(t)
    for n, blk in blocks.items():
        blk.mask = torch.from_numpy(arr(n + "/dropout")) if n + "/dropout" in manifest["arrays"] else None
    G.train()
    if D is not None:
        D.train()
    f = {k: torch.from_numpy(arr(k)) for k in ("xs", "ys", "xr", "eps", "level", "keep1", "keep2") if k in manifest["arrays"]}
    lam = float(arr("lambda")) if "lambda" in manifest["arrays"] else 0.0
    if "res_weight" in manifest["arrays"] and float(arr("res_weight")) != 1.0:
        raise SystemExit("parity: res_weight other than 1 is not mirrored")
    loss, terms = joint_loss(G, D, f["xs"], f["ys"], f.get("xr"), f.get("eps"), f.get("level"), f.get("keep1"),
                             f.get("keep2"), lam, variant, margin=plan["loss"]["tripletMargin"],
                             groups=plan["loss"].get("tripletGroups", 1))
    terms = dict(terms, loss=loss)
    loss.backward()
    term_rel = {k: abs(v.item() - manifest["terms"][k]) / max(abs(manifest["terms"][k]), 1e-12)
                for k, v in terms.items() if k in manifest["terms"]}
    grad_rel = {}
    for n, (p, layout) in params.items():
        g = to_torch_layout(arr("grad:" + n), layout)
        grad_rel[n] = ((p.grad - g).abs().max() / g.abs().max().clamp_min(1e-12)).item()
    worst = max(grad_rel, key=grad_rel.get)
    print(json.dumps({"variant": variant, "terms_compared": sorted(term_rel), "max_term_rel": max(term_rel.values()),
                      "params_compared": len(grad_rel), "max_grad_rel": grad_rel[worst], "worst_param": worst}))


def train(a):
    import random
    plan = json.load(open(a.plan))
    meta = json.load(open(f"{a.data}/data.json"))
    for key, value in (("steps", a.steps), ("batchSize", a.batch), ("patchSize", a.patch), ("emaDecay", a.ema),
                       ("seed", a.seed)):
        if value is not None:
            plan[key] = value
    if a.lr is not None:
        plan["optimizer"]["learningRate"] = a.lr
    if a.noise_weight is not None:
        plan["loss"]["noiseWeight"] = a.noise_weight
    if a.ramp_steps is not None:
        plan["loss"]["rampSteps"] = a.ramp_steps
    if a.triplet_margin is not None:
        plan["loss"]["tripletMargin"] = a.triplet_margin
    if a.width is not None:
        plan["restorer"]["width"] = a.width
    diff = plan.get("diffusion")
    if diff is not None and a.diffusion_width is not None:
        diff["width"], diff["groups"] = a.diffusion_width, min(diff["groups"], a.diffusion_width)
    if plan.get("detachConditions"):
        raise SystemExit("detached conditions are not mirrored here")
    variant = variant_of(plan)

    torch.manual_seed(plan["seed"])
    rng = random.Random(plan["seed"])
    dev = torch.device(a.device)

    def restorer():
        return restorer_of(plan).to(dev)

    G = restorer()
    D = None
    if diff is not None:
        D = eps_net_of(plan).to(dev)
        sched = diff["schedule"]
        betas = torch.linspace(sched["betaStart"], sched["betaEnd"], sched["timesteps"], dtype=torch.float64)
        abar = torch.cumprod(1.0 - betas, 0)
    o = plan["optimizer"]
    params = list(G.parameters()) + (list(D.parameters()) if D is not None else [])
    opt = torch.optim.Adam(params, lr=o["learningRate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"],
                           weight_decay=o["weightDecay"])
    ema = [p.detach().clone() for p in G.parameters()]
    G_ema = restorer().eval()

    n, k_real = meta["train"], meta["realizations"]
    clean = load_npy_images(a.data, [f"train_clean_{i}" for i in range(n)], dev)
    real = [load_npy_images(a.data, [f"train_real_{i}_{k}" for k in range(k_real)], dev) for i in range(n)]
    test_clean = load_npy_images(a.data, [f"test_clean_{i}" for i in range(meta["test"])], dev)
    test_real = load_npy_images(a.data, [f"test_real_{i}" for i in range(meta["test"])], dev)
    # PolyU: the synthetic domain has clean photos of its own (the real domain's train_clean are means, for the oracle
    # only), and the test scenes (heldout_*) are scored once, at the end, never validated on
    syn_clean = (load_npy_images(a.data, [f"syn_clean_{j}" for j in range(meta["synthetic_clean"])], dev)
                 if meta.get("synthetic_clean") else clean)
    n_heldout = meta.get("heldout", 0)
    heldout_clean = load_npy_images(a.data, [f"heldout_clean_{i}" for i in range(n_heldout)], dev)
    heldout_real = load_npy_images(a.data, [f"heldout_real_{i}" for i in range(n_heldout)], dev)
    b, s, total = plan["batchSize"], plan["patchSize"], plan["steps"]

    def paired_crops(realizations):
        """A batch of aligned (degraded, clean) crops: a random photo, one of its realizations, a random crop."""
        xs, ys = [], []
        for _ in range(b):
            i = rng.randrange(n)
            x, y = crop_same([realizations[i][rng.randrange(len(realizations[i]))], clean[i]], s, rng)
            xs.append(x)
            ys.append(y)
        return torch.stack(xs), torch.stack(ys)

    if "awgn_sigma" in meta:  # denoising: AWGN drawn here, per patch
        smin, smax = meta["awgn_sigma"]

        def synthetic_pairs():
            ys = torch.stack([crop_same([syn_clean[rng.randrange(len(syn_clean))]], s, rng)[0] for _ in range(b)])
            sigma = smin + (smax - smin) * torch.rand(b, 1, 1, 1, device=dev)
            xs = ys + sigma * torch.randn_like(ys)
            return (xs.clamp(0, 1) if meta["awgn_clip"] else xs), ys
    else:  # other tasks: crops of the synthetic realizations the Java task wrote
        k_syn = meta["synthetic_realizations"]
        syn = [load_npy_images(a.data, [f"train_syn_{i}_{k}" for k in range(k_syn)], dev) for i in range(n)]

        def synthetic_pairs():
            return paired_crops(syn)

    def real_batch(with_clean):
        xs, ys = paired_crops(real)
        return xs, (ys if with_clean else None)

    def psnr_of(net, reals=test_real, cleans=test_clean):
        psnrs = []
        for x, y in zip(reals, cleans):
            out = (x[None] + net(x[None])).clamp(0, 1)
            psnrs.append(10 * math.log10(1.0 / ((out - y[None]) ** 2).mean().item()))
        return sum(psnrs) / len(psnrs)

    def validate():
        """Mean PSNR of the EMA restorer (what dna returns) and of the raw one (what the authors validate)."""
        with torch.no_grad():
            for e, p in zip(ema, G_ema.parameters()):
                p.copy_(e)
            return psnr_of(G_ema), psnr_of(G)

    with torch.no_grad():
        input_psnr = sum(10 * math.log10(1.0 / ((x - y) ** 2).mean().item()) for x, y in zip(test_real, test_clean)) / len(test_real)
    label = a.label or ("oracle" if a.oracle else variant)
    print(json.dumps({"event": "start", "label": label, "variant": variant, "oracle": a.oracle, "steps": total,
                      "seed": plan["seed"], "device": a.device,
                      "restorer_params": count_params(G), "diffusion_params": count_params(D) if D is not None else 0,
                      "input_psnr": input_psnr, "loss": plan["loss"], "lr": o["learningRate"], "batch": b, "patch": s}),
          flush=True)
    G.train()
    if D is not None:
        D.train()
    curve, t0, terms_sum, terms_n = [], time.perf_counter(), {}, 0
    for step in range(total):
        if a.oracle:
            xs, ys = real_batch(True)
        else:
            xs, ys = synthetic_pairs()
        opt.zero_grad(set_to_none=True)
        if variant == "vanilla":
            loss, terms = joint_loss(G, None, xs, ys, None, None, None, None, None, 0.0, "vanilla")
        else:
            xr, _ = real_batch(False)
            t = torch.randint(sched["minTimestep"], sched["maxTimestep"] + 1, (b,))
            lo, hi = abar[t], abar[t - 1]
            g = (lo + (hi - lo) * torch.rand(b, dtype=torch.float64)) if sched["continuousLevel"] else lo
            g = g.float().to(dev)
            eps = torch.randn_like(xs)
            keep1 = (torch.rand(b, 1, 1, 1, device=dev) < 0.5).float()
            keep2 = (torch.rand(b, 1, 1, 1, device=dev) < 0.5).float()
            lam = noise_weight_at(plan["loss"], step, total)
            loss, terms = joint_loss(G, D, xs, ys, xr, eps, g, keep1, keep2, lam, variant,
                                     margin=plan["loss"]["tripletMargin"], groups=plan["loss"].get("tripletGroups", 1))
        loss.backward()
        opt.step()
        with torch.no_grad():
            d = min(plan["emaDecay"], (1.0 + step) / (10.0 + step)) if plan["emaDecay"] > 0 else 0.0
            for e, p in zip(ema, G.parameters()):
                e.mul_(d).add_(p.detach(), alpha=1 - d)
        for key, v in terms.items():
            terms_sum[key] = terms_sum.get(key, 0.0) + v.item()
        terms_n += 1
        out_of_time = a.max_seconds is not None and time.perf_counter() - t0 > a.max_seconds
        if (step + 1) % a.validate_every == 0 or step + 1 == total or out_of_time:
            psnr, raw_psnr = validate()
            point = {"event": "val", "label": label, "step": step + 1, "real_psnr": psnr, "real_psnr_raw": raw_psnr,
                     "seconds": time.perf_counter() - t0, **{k: v / terms_n for k, v in terms_sum.items()}}
            curve.append(point)
            terms_sum, terms_n = {}, 0
            print(json.dumps(point), flush=True)
        if out_of_time:
            break
    end = {"event": "end", "label": label, "variant": variant, "oracle": a.oracle, "steps": curve[-1]["step"],
           "input_psnr": input_psnr, "final_psnr": curve[-1]["real_psnr"],
           "best_psnr": max(c["real_psnr"] for c in curve), "seconds": time.perf_counter() - t0}
    if n_heldout:
        with torch.no_grad():  # G_ema holds the EMA weights of the last validation, which was at the last step
            end["heldout_input_psnr"] = sum(10 * math.log10(1.0 / ((x - y) ** 2).mean().item())
                                            for x, y in zip(heldout_real, heldout_clean)) / n_heldout
            end["heldout_psnr"] = psnr_of(G_ema, heldout_real, heldout_clean)
            end["heldout_psnr_raw"] = psnr_of(G, heldout_real, heldout_clean)
    print(json.dumps(end), flush=True)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench", help="time the training step and the restorer's inference")
    b.add_argument("--restorer", choices=["unet", "dncnn"], default="unet")
    b.add_argument("--width", type=int, default=16)
    b.add_argument("--depth", type=int, default=2)
    b.add_argument("--layers", type=int, default=10)
    b.add_argument("--activation", default="leaky_relu")
    b.add_argument("--upsampling", default="bilinear_align_corners")
    b.add_argument("--no-up-conv", action="store_true", help="no 3x3 conv_up after the decoder's upsampling")
    b.add_argument("--out-kernel", type=int, default=3)
    b.add_argument("--conv-updown", action="store_true", help="EpsNet resamples with convolutions, not ResBlocks")
    b.add_argument("--diffusion-width", type=int, default=16)
    b.add_argument("--multipliers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2])
    b.add_argument("--res-blocks", type=int, default=1)
    b.add_argument("--groups", type=int, default=32)
    b.add_argument("--attention", action="store_true")
    b.add_argument("--dropout", type=float, default=0.1)
    b.add_argument("--batch", type=int, default=4)
    b.add_argument("--patch", type=int, default=48)
    b.add_argument("--steps", type=int, default=10)
    b.add_argument("--variant", choices=["vanilla", "diffusion", "shuffle", "full"], default="full")
    b.add_argument("--lr", type=float, default=1e-3)
    b.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",") if x], default=[256])
    b.add_argument("--reps", type=int, default=5)
    b.add_argument("--threads", type=int, default=0, help="intra-op threads (0: PyTorch's default)")
    b.add_argument("--device", default="cpu")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--profile", type=int, default=0, metavar="N",
                   help="then profile N more training steps by op (torch.autograd.profiler), table to stderr")
    t = sub.add_parser("train", help="train one variant of a Java plan on exported data; prints JSON lines (start, val, end)")
    t.add_argument("--data", required=True, help="folder written by DenoisingBenchmark --export-calibration-data")
    t.add_argument("--plan", required=True, help="a plan-VARIANT.json from that folder")
    t.add_argument("--oracle", action="store_true", help="train on real pairs instead of synthetic ones (use the vanilla plan)")
    t.add_argument("--label", help="name in the output (default: the variant, or oracle)")
    t.add_argument("--validate-every", type=int, default=500)
    for name, typ in (("--steps", int), ("--batch", int), ("--patch", int), ("--ema", float), ("--seed", int),
                      ("--lr", float), ("--noise-weight", float), ("--ramp-steps", int), ("--triplet-margin", float), ("--width", int),
                      ("--diffusion-width", int)):
        t.add_argument(name, type=typ, help="overrides the plan's value")
    t.add_argument("--max-seconds", type=float, help="stop (validating once more) after this much training time")
    t.add_argument("--threads", type=int, default=0)
    t.add_argument("--device", default="cpu")
    q = sub.add_parser("parity", help="recompute one Java training step (written by dna-samediff's MirrorParityTest) here")
    q.add_argument("--dir", required=True)
    q.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    {"bench": bench, "train": train, "parity": parity}[a.cmd](a)


if __name__ == "__main__":
    main(sys.argv[1:])
