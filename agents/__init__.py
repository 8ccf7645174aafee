"""Agents that act in the environments: random, a rule-based memory agent, OpenAI-compatible servers,
local transformers models, and the reader of tool calls in model text. The model agents import their
optional dependencies (`openai`; `torch` and `transformers`) only when created.
"""

from funreason_envs.agents.base import Agent
from funreason_envs.agents.chat import ChatAgent
from funreason_envs.agents.hf_agent import TransformersAgent, act_batch
from funreason_envs.agents.hf_model import Generation, TransformersModel
from funreason_envs.agents.memory_reference import MemoryReferenceAgent
from funreason_envs.agents.openai_agent import OpenAIAgent
from funreason_envs.agents.openai_client import OpenAIClient
from funreason_envs.agents.parsing import ParsedText, parse_model_text, split_reasoning
from funreason_envs.agents.random_agent import RandomAgent

__all__ = [
    "Agent",
    "ChatAgent",
    "Generation",
    "MemoryReferenceAgent",
    "OpenAIAgent",
    "OpenAIClient",
    "ParsedText",
    "RandomAgent",
    "TransformersAgent",
    "TransformersModel",
    "act_batch",
    "parse_model_text",
    "split_reasoning",
]
