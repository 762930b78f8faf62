-- doc_text: the decoded text of each loaded document (grain: document_id). Every span_start and
-- span_end in the fact tables indexes into this text, so a page can show each fact at its span
-- without the inbox file (which may have changed or left since the load). Replaced with the facts.
create table if not exists doc_text (
    document_id varchar primary key,
    text        varchar not null
);
