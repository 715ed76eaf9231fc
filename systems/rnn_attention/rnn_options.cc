#include "systems/rnn_attention/rnn_options.h"

#include "base/error.h"

namespace mtbench::rnn_attention {

const OptionTable<RnnOptions>& rnn_option_table() {
  static const OptionTable<RnnOptions> table = [] {
    using O = RnnOptions;
    OptionTable<O> t("rnn-attention");
    t.add<int>(
        "embedding_dim", [](O& o) -> int& { return o.model.embedding_dim; }, "m: word embedding size (paper: 620)",
        at_least(1));
    t.add<int>(
        "encoder_dim", [](O& o) -> int& { return o.model.encoder_dim; },
        "n: GRU units per encoder direction (paper: 1000)", at_least(1));
    t.add<int>(
        "decoder_dim", [](O& o) -> int& { return o.model.decoder_dim; }, "GRU units of the decoder (paper: 1000)",
        at_least(1));
    t.add<int>(
        "attention_dim", [](O& o) -> int& { return o.model.attention_dim; },
        "n': hidden size of the alignment model (paper: 1000)", at_least(1));
    t.add<int>(
        "output_dim", [](O& o) -> int& { return o.model.output_dim; }, "l: deep output size after maxout (paper: 500)",
        at_least(1));
    t.add<bool>(
        "deep_output", [](O& o) -> bool& { return o.model.deep_output; },
        "maxout deep output (appendix A.2.2) or a tanh readout");
    t.add<std::string>(
        "attention", [](O& o) -> std::string& { return o.model.attention; },
        "bahdanau (additive, the paper), general or dot (Luong et al. 2015), none (the encoder's final states are the "
        "only context: Cho et al. 2014, the rnn-encdec system)",
        one_of({"bahdanau", "general", "dot", "none"}));
    t.add<double>(
        "dropout", [](O& o) -> double& { return o.model.dropout; }, "dropout rate (the paper: none)",
        in_range(0.0, 1.0, false));
    t.add<bool>(
        "tie_output", [](O& o) -> bool& { return o.model.tie_output; },
        "output projection W_o = target embedding matrix (Press & Wolf 2017; needs output_dim = embedding_dim)");
    t.include(neural::common_option_table(), [](O& o) -> neural::CommonOptions& { return o.common; });
    return t;
  }();
  return table;
}

const std::vector<Preset>& rnn_presets() {
  static const std::vector<Preset> presets = {
      // A budget in updates, not minutes (#16): the same model on a fast or a busy machine.
      // 3,000 updates of 3,000-token batches (16 epochs of Multi30k's 29k pairs, about an
      // hour on 2 CPU cores). Chosen on val (issue #16, configs/full-candidates.yaml, README
      // "The neural full presets"): the settings the quick preset's val
      // experiments chose (Sennrich & Zhang 2019): 4,000 joint pieces, the output layer tied to
      // the target embeddings, label smoothing 0.1, the learning rate falling linearly to 0 at
      // the budget from a peak of 2e-3 after 200 updates, validation by dev loss (the last model
      // is the best under a decay to 0; greedy dev BLEU cost minutes). Trained on 1 thread: val
      // 41.5, test_2016_flickr 41.0; on 2 threads: val 41.1, test 41.6 (the same settings in
      // another summation order; the preset before: plateau decay from 1e-3 with 8,000 pieces,
      // early stopping on dev BLEU: 39.6). Then, chosen on val of the preset trained on 2 threads (README "The RNN
      // preset on 2 threads"): the mean of the last 4 validated models (updates 1,500-3,000;
      // val 41.09 -> 41.51, the last 2 and 3: 41.65, 41.41; dev loss 1.604 -> 1.595, so the
      // trainer's no-worse-on-dev check keeps it; test 41.2, scored after the choice: one
      // training's spread, kept); length penalty stays 1.0 (1.2 and 1.4 lose).
      {"full", "",
       "vocab_size: 4000\nembedding_dim: 256\nencoder_dim: 256\ndecoder_dim: 512\nattention_dim: 256\n"
       "output_dim: 256\ntie_output: true\ndropout: 0.3\nlabel_smoothing: 0.1\nmax_epochs: 100\nmax_steps: 3000\n"
       "batch_tokens: 3000\nlearning_rate: 0.002\nlr_schedule: linear\nwarmup_steps: 200\nplateau_patience: 0\n"
       "validate_every: 500\npatience: 0\ndev_bleu: false\ndev_bleu_sentences: 500\naverage_checkpoints: 4\n",
       "3,000 updates (about an hour on 2 CPU cores, 29k Multi30k pairs), tied output, linear decay, the mean of "
       "the last 4 checkpoints (the default)"},
      {"quick", "full",
       "vocab_size: 4000\nembedding_dim: 128\nencoder_dim: 128\ndecoder_dim: 256\nattention_dim: 128\n"
       "output_dim: 128\ndropout: 0.2\nmax_epochs: 4\nmax_steps: 920\nmax_minutes: 6\nbatch_tokens: 2500\n"
       "learning_rate: 0.003\ntie_output: true\nlabel_smoothing: 0.1\ndev_bleu: false\nbeam_size: 5\n"
       "lr_schedule: plateau\nwarmup_steps: 0\nvalidate_every: 0\npatience: 3\naverage_checkpoints: 0\n",
       // 920 updates = 4 epochs, about 5.5 minutes on 2 cores since the CPU block cache and
       // rarer heap trims made updates 2.7x faster (690 = 3 epochs before); the 6-minute cap keeps the default
       // comparison within 15 minutes on slower machines and is reported as the stop reason
       // when it fires.
       // Chosen on val (issue #16, configs/ablation-rnn.yaml): tied output and label smoothing
       // 0.1 (dev BLEU 28.3 -> 30.5), learning rate 0.003 (31.8); validation by dev loss only
       // (greedy dev BLEU cost ~30 s per epoch of a 6-minute budget; the last model is the best).
       "920 updates (4 epochs, about 5.5 minutes on 2 CPU cores), capped at 6 minutes"},
  };
  return presets;
}

RnnOptions parse_rnn_options(const std::string& yaml, const std::string& preset, const std::string& origin) {
  RnnOptions o = rnn_option_table().parse(yaml, rnn_presets(), preset, "full", origin);
  const auto& m = o.model;
  if (m.attention == "dot" && m.decoder_dim != 2 * m.encoder_dim)
    fail<ConfigError>("{}: dot attention needs decoder_dim = 2 x encoder_dim, got {} and {}", origin, m.decoder_dim,
                      m.encoder_dim);
  if (m.tie_output && m.output_dim != m.embedding_dim)
    fail<ConfigError>("{}: tie_output needs output_dim = embedding_dim, got {} and {}", origin, m.output_dim,
                      m.embedding_dim);
  neural::validate_common_relations(o.common, origin);
  return o;
}

const std::vector<Preset>& rnn_encdec_presets() {
  // The same presets with the attention removed, so rnn-encdec and rnn-attention trained with
  // one preset differ only by attention (the comparison of Bahdanau et al. 2014, fig. 2).
  static const std::vector<Preset> presets = [] {
    std::vector<Preset> p = rnn_presets();
    for (auto& preset : p) preset.yaml += "attention: none\n";
    return p;
  }();
  return presets;
}

RnnOptions parse_rnn_encdec_options(const std::string& yaml, const std::string& preset, const std::string& origin) {
  RnnOptions o = rnn_option_table().parse(yaml, rnn_encdec_presets(), preset, "full", origin);
  if (o.model.attention != "none")
    fail<ConfigError>("{}: rnn-encdec has no attention (attention: none); for attention '{}' use rnn-attention", origin,
                      o.model.attention);
  neural::validate_common_relations(o.common, origin);
  return o;
}

std::string rnn_options_yaml(const RnnOptions& o) {
  return rnn_option_table().to_yaml(o);
}

}  // namespace mtbench::rnn_attention
