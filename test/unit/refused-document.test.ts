// A document the search side refuses is dead-lettered with its reason. Tried as an operator with long
// values would: a text over 32,766 bytes in a field the index maps as keyword (an "immense term") was
// dead-lettered as Elasticsearch's parse failure, with a 16 KiB preview of the value and the cause
// cut off, and OpenSearch's told to "correct the analyzer".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refusedDocumentReason } from "../../src/stores/search/refused-document.js";

const preview = "x".repeat(40_000);

describe("the reason of a document the search side refused", () => {
  it("names a keyword field's term limit and what to do, from Elasticsearch's parse failure", () => {
    const reason = refusedDocumentReason("Elasticsearch", "app-kw", 400, {
      type: "document_parsing_exception",
      reason: `[1:100] failed to parse field [title] of type [keyword] in document with id 'a'. Preview of field's value: '${preview}'`,
      caused_by: {
        type: "illegal_argument_exception",
        reason:
          'Document contains at least one immense term in field="title" (whose UTF8 encoding is longer than the max length 32766), all of which were skipped. Please correct the analyzer to not produce such terms.',
        caused_by: {
          type: "max_bytes_length_exceeded_exception",
          reason: "bytes can be at most 32766 in length; got 40000",
        },
      },
    });
    assert.equal(
      reason,
      "Elasticsearch refused the document: its field title holds a value of 40000 bytes, over the 32766 " +
        "bytes of UTF-8 one term of the index app-kw may hold (the field is mapped as keyword without " +
        "ignore_above). Set ignore_above on the field (PUT app-kw/_mapping) or map it as text in a new " +
        "index, or shorten the value at its source; then replay the letter",
    );
  });

  // Tried as an operator would: a map<text, text> column in an index another application made, whose
  // dynamic mapping took a key's first value "2024-02-02" for a date; a later row's "holiday" there
  // was dead-lettered with the cluster's parse failure alone.
  it("says why a property of an object is a date field and what to do, for a map key mapped so", () => {
    const reason = refusedDocumentReason("Elasticsearch", "app-m", 400, {
      type: "document_parsing_exception",
      reason:
        "[1:66] failed to parse field [days.2024-01-01] of type [date] in document with id '2'. Preview of field's value: 'holiday'",
      caused_by: { type: "illegal_argument_exception", reason: "failed to parse date field [holiday]" },
    });
    assert.match(reason, /^Elasticsearch refused the document \(document_parsing_exception: \[1:66\] failed/);
    assert.match(
      reason,
      /\. The index app-m maps days\.2024-01-01 as date, as the cluster's dynamic mapping maps a property .* Give the table a new index .* then replay the letter$/,
    );
    const plain = refusedDocumentReason("Elasticsearch", "app-m", 400, {
      type: "document_parsing_exception",
      reason: "[1:10] failed to parse field [born] of type [date] in document with id '2'",
    });
    assert.doesNotMatch(plain, /dynamic mapping/);
  });

  it("names the limit without the size where the answer leaves the innermost cause out", () => {
    const reason = refusedDocumentReason("Elasticsearch", "app-kw", 400, {
      type: "document_parsing_exception",
      reason: "[1:100] failed to parse field [title] of type [keyword] in document with id 'a'.",
      caused_by: {
        type: "illegal_argument_exception",
        reason:
          'Document contains at least one immense term in field="title" (whose UTF8 encoding is longer than the max length 32766), all of which were skipped.',
      },
    });
    assert.match(
      reason,
      /^Elasticsearch refused the document: its field title holds a value over the 32766 bytes of UTF-8 /,
    );
  });

  it("says that OpenSearch's flat_object holds no longer key or value, for a map column", () => {
    const reason = refusedDocumentReason("OpenSearch", "app-m", 400, {
      type: "illegal_argument_exception",
      reason:
        "Document contains at least one immense term in field=\"m._value\" (whose UTF8 encoding is longer than the max length 32766), all of which were skipped.  Please correct the analyzer to not produce such terms.  The prefix of the first immense term is: '[119, 119]...', original message: bytes can be at most 32766 in length; got 40000",
    });
    assert.equal(
      reason,
      "OpenSearch refused the document: its field m holds a key or value of 40000 bytes, over the 32766 " +
        "bytes of UTF-8 one term of the index app-m may hold, and a flat_object field keeps every key and " +
        "value as a term. Shorten the value at its source, or leave the column out with the table's " +
        "exclude setting in the config file; then replay the letter",
    );
  });

  it("cuts the preview of a value short and keeps the cause of any other refusal", () => {
    const reason = refusedDocumentReason("Elasticsearch", "app-t", 400, {
      type: "document_parsing_exception",
      reason: `[1:30] failed to parse field [n] of type [integer] in document with id 'a'. Preview of field's value: '${preview}'`,
      caused_by: { type: "number_format_exception", reason: 'For input string: "xx"' },
    });
    assert.equal(
      reason,
      "Elasticsearch refused the document (document_parsing_exception: [1:30] failed to parse field [n] of " +
        `type [integer] in document with id 'a'. Preview of field's value: '${"x".repeat(100)}...'; ` +
        'caused by number_format_exception: For input string: "xx")',
    );
  });

  it("gives the status of a refusal without an error", () => {
    assert.equal(
      refusedDocumentReason("OpenSearch", "app-t", 400, undefined),
      "OpenSearch refused the document (status 400)",
    );
  });
});
