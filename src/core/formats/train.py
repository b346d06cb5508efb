"""Continue training a TextTune export with Hugging Face transformers.

    pip install "transformers>=4.40" "accelerate>=0.30" safetensors torch
    python train.py --epochs 3                      # one GPU or CPU
    accelerate launch train.py --epochs 3           # several GPUs (run "accelerate config" once)

TextTune pools token vectors the way the encoder was trained (config.json "texttune.pooling":
mean over tokens, the [CLS] vector, or BERT's pooler) and may L2-normalise them before the
classifier. Stock BertForSequenceClassification always uses the pooler, so this script loads the
weights into TextTuneBertForSequenceClassification, which pools as TextTune did: its predictions
equal the browser's. Load the saved model with this class (or set texttune.pooling to "pooler" and
retrain) to keep that equivalence.
"""
import argparse
import csv
import os

import torch
import torch.nn.functional as F
from transformers import (AutoTokenizer, BertForSequenceClassification, DataCollatorWithPadding,
                          Trainer, TrainingArguments)
from transformers.modeling_outputs import SequenceClassifierOutput

HERE = os.path.dirname(os.path.abspath(__file__))


class TextTuneBertForSequenceClassification(BertForSequenceClassification):
    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
        pooling = getattr(self.config, "texttune", {}).get("pooling", {"mode": "pooler", "normalize": False})
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        tokens = out.last_hidden_state
        if pooling["mode"] == "mean":
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1)
        elif pooling["mode"] == "cls":
            pooled = tokens[:, 0]
        else:
            pooled = out.pooler_output
        if pooling.get("normalize"):
            pooled = F.normalize(pooled, p=2, dim=-1, eps=1e-12)
        logits = self.classifier(self.dropout(pooled))
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


class CsvDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, label2id, max_length):
        self.enc = tokenizer([r["text"] for r in rows], truncation=True, max_length=max_length)
        self.labels = [label2id[r["label"]] for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "train.csv"))
    ap.add_argument("--output", default=os.path.join(HERE, "continued"))
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(HERE)
    model = TextTuneBertForSequenceClassification.from_pretrained(HERE)
    max_length = model.config.texttune.get("max_seq_length", 128)
    with open(args.data, newline="", encoding="utf-8") as f:
        # TextTune writes "'" before cells that would run as spreadsheet formulas (= + - @ tab CR)
        # and before cells that start with "'"; drop exactly one to get the original text back.
        rows = [{k: (v[1:] if v.startswith("'") else v) for k, v in r.items()} for r in csv.DictReader(f)]
    train = CsvDataset(rows, tokenizer, model.config.label2id, max_length)

    trainer = Trainer(
        model=model,
        args=TrainingArguments(output_dir=args.output, num_train_epochs=args.epochs, learning_rate=args.lr,
                               per_device_train_batch_size=args.batch_size, save_strategy="epoch",
                               logging_steps=10, report_to=[]),
        train_dataset=train,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    trainer.save_model(args.output)
    tokenizer.save_pretrained(args.output)


if __name__ == "__main__":
    main()
