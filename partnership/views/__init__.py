"""Views of the partnership network, split by audience: public, district office, management, offers."""
