import numpy as np

from bot.knowledge.context import Context, Question, answer_question, join
from bot.knowledge.service import KnowledgeService
from bot.knowledge.vectors import Embedder, RecentVectors

CASE = "leerling deelt filmpjes van IS in de klassenapp"
FOLLOW_UP = "en hoe betrek ik de ouders daarbij?"


class CountingEmbedder(Embedder):
    def __init__(self):
        self.embedded: list[str] = []

    def query(self, text):
        self.embedded.append(text)
        return super().query(text)


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_recent_vectors_keep_the_latest_by_a_hash_of_the_text():
    recent = RecentVectors(size=2)
    for number, text in enumerate(("een", "twee", "drie")):
        recent.put(text, np.full(3, number, dtype=np.float32))
    assert recent.get("een") is None
    assert recent.get("twee")[0] == 1
    assert recent.get("TWEE") is None  # "IS" is not "is"
    assert all(isinstance(key, bytes) for key in recent._vectors)  # the text itself is not kept
    none = RecentVectors(size=0)
    none.put("een", np.zeros(3))
    assert none.get("een") is None


def test_a_follow_up_is_searched_without_embedding_when_both_vectors_are_at_hand(loaded_factory):
    embedder = CountingEmbedder()
    knowledge = KnowledgeService(loaded_factory, embedder=embedder)
    knowledge.find_articles(CASE, vector=Embedder().query(CASE))  # as the NLU sends it
    context = Context(last_query=CASE, topic="online")
    reply = answer_question(knowledge, Question(FOLLOW_UP, context, vector=Embedder().query(FOLLOW_UP)))
    assert reply.query == f"{CASE} {FOLLOW_UP}" and reply.found.answered
    assert embedder.embedded == []


def test_the_joined_vector_is_close_to_the_vector_of_the_joined_text(loaded_factory):
    knowledge = KnowledgeService(loaded_factory, embedder=CountingEmbedder())
    text, vector = join(knowledge, CASE, FOLLOW_UP, None, "hybrid")
    assert text == f"{CASE} {FOLLOW_UP}"
    assert abs(np.linalg.norm(vector) - 1) < 1e-5
    assert cosine(vector, Embedder().query(text)) > 0.9
    assert join(knowledge, CASE, FOLLOW_UP, None, "bm25") == (text, None)
