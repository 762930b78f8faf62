-- fct_unparsed_mention: number-like mentions that could not be normalized with confidence
-- (grain: document_id + span). Kept out of fct_metric rather than loaded with a guessed value.
create table if not exists fct_unparsed_mention (
    document_id varchar not null,
    span_start  integer not null,
    span_end    integer not null,
    mention     varchar not null,
    reason      varchar not null,
    evidence    varchar
);
