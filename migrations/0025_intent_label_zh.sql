-- How Chinese text names each intent (taxonomy field `label_zh`): alert reasons and next-step
-- explanations on Chinese calls quote it instead of the intent's English code words. Display
-- only; the classifier is not trained on it.
ALTER TABLE intent_definitions ADD COLUMN IF NOT EXISTS label_zh text;
