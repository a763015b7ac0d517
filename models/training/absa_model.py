"""The ABSA network: a BERT-style encoder with a BIO tagging head and a (targeted) polarity head.

Inputs follow the artifact contract (docs/adr/0002-absa-model-artifact.md):
  input_ids, attention_mask, token_type_ids  (int64 [batch, seq])
token_type_ids = 1 marks the word pieces of ONE target aspect (targeted mode), all 0 otherwise.
Encoders without segment embeddings (MPNet, used as the distillation teacher) get a learned target
vector added to the marked word pieces' input embeddings instead; the shipped BERT-style student
keeps the segment embedding, so its ONNX contract is unchanged.
Outputs:
  tag_logits      [batch, seq, n_tags]   BIO tags
  polarity_logits [batch, 3]             toward the marked target; sentence sentiment without target
"""

from __future__ import annotations

import torch
from torch import nn

TAGS = ["O", "B", "I"]


class AbsaModel(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int, n_tags: int = len(TAGS), dropout: float = 0.1,
                 target_embedding: bool = False):
        super().__init__()
        self.encoder = encoder
        self.target_embedding = nn.Parameter(torch.randn(hidden) * 0.02) if target_embedding else None
        self.dropout = nn.Dropout(dropout)
        self.tag_head = nn.Linear(hidden, n_tags)
        self.pol_head = nn.Sequential(
            nn.Linear(2 * hidden, hidden), nn.Tanh(), nn.Dropout(dropout), nn.Linear(hidden, 3)
        )

    def forward(self, input_ids, attention_mask, token_type_ids):
        if self.target_embedding is None:
            h = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
        else:
            emb = self.encoder.get_input_embeddings()(input_ids)
            emb = emb + token_type_ids.unsqueeze(-1).to(emb.dtype) * self.target_embedding
            h = self.encoder(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state
        tag_logits = self.tag_head(self.dropout(h))
        am = attention_mask.to(h.dtype)
        tm = token_type_ids.to(h.dtype) * am
        tcount = tm.sum(1, keepdim=True)
        target_mean = (h * tm.unsqueeze(-1)).sum(1) / tcount.clamp(min=1.0)
        all_mean = (h * am.unsqueeze(-1)).sum(1) / am.sum(1, keepdim=True).clamp(min=1.0)
        has_target = (tcount > 0).to(h.dtype)
        pooled = has_target * target_mean + (1.0 - has_target) * all_mean
        pol_in = torch.cat([h[:, 0], pooled], dim=-1)
        polarity_logits = self.pol_head(self.dropout(pol_in))
        return tag_logits, polarity_logits


def load_encoder(base_dir: str, attn: str = "sdpa"):
    from transformers import AutoConfig, AutoModel

    cfg = AutoConfig.from_pretrained(base_dir, local_files_only=True)
    enc = AutoModel.from_pretrained(
        base_dir, config=cfg, local_files_only=True, add_pooling_layer=False, attn_implementation=attn,
        dtype=torch.float32,
    )
    return enc, cfg


def sample_inputs():
    """Two short sequences (one padded, one with a marked target): export trace and parity check."""
    ids = torch.tensor([[101, 1996, 2833, 2003, 2204, 102], [101, 1996, 2833, 102, 0, 0]], dtype=torch.long)
    tt = torch.tensor([[0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0]], dtype=torch.long)
    return ids, (ids > 0).long(), tt


def export_onnx(model: nn.Module, path: str) -> None:
    """fp32 ONNX with the artifact's input/output names and dynamic batch and sequence axes (the
    TorchScript exporter, opset 17; the model should use eager attention)."""
    ids, am, tt = sample_inputs()
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
           "token_type_ids": {0: "batch", 1: "seq"}, "tag_logits": {0: "batch", 1: "seq"},
           "polarity_logits": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(model, (ids, am, tt), path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["tag_logits", "polarity_logits"], dynamic_axes=dyn, opset_version=17,
                          do_constant_folding=True, dynamo=False)
