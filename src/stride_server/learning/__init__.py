"""Learning: the rules and computed fields of LearningRecords, Cohorts and Assessments."""
