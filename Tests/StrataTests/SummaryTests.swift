import Testing

@testable import Strata

@Test func summaryMatchesKerasLayout() {
  // KerasReference.md §7: the 76-column table Keras prints on an 80-column terminal for
  // Dense(8)→Dropout→BatchNormalization→Dense(1) on 4 inputs.
  let model = Sequential {
    Dense(units: 8, inputShape: [4])
    Dropout(rate: 0.5)
    BatchNormalization()
    Dense(units: 1)
  }
  let expected = """
    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
    │ dense (Dense)                   │ (None, 8)              │            40 │
    ├─────────────────────────────────┼────────────────────────┼───────────────┤
    │ dropout (Dropout)               │ (None, 8)              │             0 │
    ├─────────────────────────────────┼────────────────────────┼───────────────┤
    │ batch_normalization             │ (None, 8)              │            32 │
    │ (BatchNormalization)            │                        │               │
    ├─────────────────────────────────┼────────────────────────┼───────────────┤
    │ dense_1 (Dense)                 │ (None, 1)              │             9 │
    └─────────────────────────────────┴────────────────────────┴───────────────┘
     Total params: 81 (324.00 B)
     Trainable params: 65 (260.00 B)
     Non-trainable params: 16 (64.00 B)

    """
  #expect(model.summaryText(lineLength: 76) == expected)
}

@Test func unbuiltSummaryShowsQuestionMarks() {
  let text = Sequential { Dense(units: 3) }.summaryText(lineLength: 76)
  #expect(text.contains("│ ?"))
  #expect(text.contains("0 (unbuilt) │"))
}

@Test func sizesAndThousands() {
  #expect(groupedThousands(1_234_567) == "1,234,567")
  #expect(groupedThousands(40) == "40")
  #expect(byteSize(669_706) == "2.55 MB")
  #expect(byteSize(81) == "324.00 B")
}
