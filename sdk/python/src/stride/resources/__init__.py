"""The namespaces of the clients, shaped like the seeds: `client.performance.goals`,
`client.okr.key_results`, `client.learning.assessments`, `client.reviews.cycles`, …"""
