"""A small hand-written news corpus for tests: enough repeated collocations for tiny models."""
import random

SENTENCES = """
American and European officials may be staying away from the meeting in Geneva.
Government officials said on Tuesday that the two countries would resume talks next week.
The news agency reported that the military would hold joint exercises with its allies.
Senior officials told the news agency that the meeting was postponed until March.
The two leaders will attend the summit and discuss military ties between their countries.
Officials said the company would cut costs and raise prices to protect its profit.
The central bank said inflation was expected to fall later in the year.
Shares in the company rose sharply after it reported higher quarterly profits.
The minister said the government would increase spending on schools and hospitals.
Police officers arrested two men after the attack in the city centre on Sunday.
The president met foreign officials to discuss the crisis and the economic pressure on the region.
Analysts said the market was under pressure because of rising interest rates.
The prime minister told reporters that the meeting had been useful and constructive.
The company said demand for its products remained strong despite the economic slowdown.
European officials said the agreement would help both sides reduce trade barriers.
The military said its forces had completed the exercises without any serious problems.
Investors were worried that the central bank would raise interest rates again.
The report said the number of people without work had risen for the third month.
Officials at the ministry said the new rules would come into force next year.
The two companies agreed to merge in a deal worth several billion dollars.
A spokesman for the police said officers were still searching for the suspects.
The government faced strong pressure from unions to increase wages for public workers.
The team won the match and will play in the final next weekend.
The court ruled that the law was against the constitution and must be changed.
Experts said the new policy would have a large impact on small businesses.
The news agency said the talks between the two sides had ended without agreement.
Military officials said the troops would leave the area by the end of the month.
The board approved the plan at a meeting held on Thursday in London.
Voters will go to the polls next month to elect a new parliament.
The price of oil rose after producers agreed to cut output.
Doctors said the patient was in a stable condition after the operation.
The company plans to open new stores and hire more staff this year.
Officials said the storm had damaged hundreds of homes along the coast.
The minister will attend the meeting of finance ministers in Brussels next week.
The agency said the economy grew faster than expected in the last quarter.
Workers went on strike to demand better pay and working conditions.
The bank said it would lend more money to small firms.
Both countries said they wanted to improve military and economic ties.
The leaders held a meeting to discuss security and trade.
Local officials said the bridge would be closed for repairs for two weeks.
""".strip().splitlines()


def fixture_articles(count: int, sentences_per_article: int = 16, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(SENTENCES, sentences_per_article)) for _ in range(count)]


# How the fixture's "machine translations" word things: consistent, literal choices a lexical
# model can learn from a few dozen documents.
MACHINE_WORDING = {"said": "stated", "meeting": "conference", "will": "is going to", "the two": "both of the",
                   "officials": "responsible persons", "would": "will", "next week": "in the next week"}


def fixture_translations(sources: int, seed: int = 0) -> list[dict]:
    """WMT21-shaped document records: a human reference and three MT systems per source, one of
    them (Facebook-AI) among the systems training holds out."""
    rng = random.Random(seed)
    records = []
    for number in range(sources):
        sentences = rng.sample(SENTENCES, 12)
        records.append({"pair": "xx-en", "docid": f"doc{number}", "refs": {"A": sentences}, "hyps": {
            system: [machine_wording(s, rng, share) for s in sentences]
            for system, share in (("SystemOne", 0.9), ("SystemTwo", 0.7), ("Facebook-AI", 0.8))}})
    return records


def machine_wording(sentence: str, rng: random.Random, share: float, wording: dict[str, str] | None = None) -> str:
    for human, machine in (wording or MACHINE_WORDING).items():
        if human in sentence and rng.random() < share:
            sentence = sentence.replace(human, machine)
    return sentence


# How the fixture's LLM and paraphrasing tool word things: other choices than the translations'.
LLM_WORDING = {"said": "noted", "discuss": "delve into", "help": "facilitate", "large": "significant",
               "increase": "enhance", "meeting": "gathering", "new": "novel"}


def fixture_rewrites(groups: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """``paraphrase_llm/``-shaped records: polish pairs (an abstract and its rewrite), and QuillBot
    rewrites of generated answers with human answers to the same questions (and the generated
    answers themselves, which training leaves out)."""
    rng = random.Random(seed)
    polish, quillbot = [], []
    for number in range(groups):
        human = " ".join(rng.sample(SENTENCES, 8))
        polish += [{"id": f"p{number}-h", "label": "human", "pair_id": f"p{number}", "text": human},
                   {"id": f"p{number}-m", "label": "machine_paraphrase", "pair_id": f"p{number}",
                    "text": machine_wording(human, rng, 0.9, LLM_WORDING)}]
        question = f"qb-Course-Q{number}"
        answer = " ".join(rng.sample(SENTENCES, 8))
        quillbot += [{"id": f"{question}-human1", "label": "human", "pair_id": None, "text": " ".join(rng.sample(SENTENCES, 8))},
                     {"id": f"{question}-gpt1", "label": "machine_generated", "pair_id": None, "text": answer},
                     {"id": f"{question}-gpt1-quillbot-standard3", "label": "machine_paraphrase",
                      "pair_id": f"{question}-gpt1", "text": machine_wording(answer, rng, 0.8, LLM_WORDING)}]
    return polish, quillbot
