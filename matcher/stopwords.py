"""Function words of the region's languages, left out of lexical matching.

BM25 should reward shared content words; without these lists two Albanian texts "match"
on `dhe`, `të`, `për` and crowd out the right profile written in English.
bm25s brings the English list; these are short hand-written lists of the most frequent
function words of Albanian and of Bosnian/Croatian/Serbian/Montenegrin (Latin script).
"""

from __future__ import annotations

ALBANIAN = frozenset(
    """
    a apo as ata ato atë ai ajo cila cili cilat ciliat çdo çfarë deri dhe do duke e edhe
    gjithë i ia jam janë jemi jeni ka kam kanë kemi keni kjo ky kur me më mbi mund na nga
    ne nuk në për pas por pra qe që sa se si siç shumë ta te tek të tij saj tyre unë ju
    ishte është kësaj këtij këto këta nëse ose pa prej sipas tani tek u ua veç vetëm
    """.split()
)

BCMS = frozenset(
    """
    a ako ali bi bih bio bila bilo biti bez da do dok ga gdje gde i ih ili iz ja je jer
    jesu joj ju kad kada kako kao koja koje koji kojih kojim kojima koju li me mi mu na
    nad nam nas ne nego neki ni nije nisu niti o od ona one oni ono ova ove ovi ovo ovaj
    pa po pod pored prema pri s sa sam samo se si smo ste su sve svi ta te ti to toga tom
    u uz vam vas već za zbog što šta će ćemo ću želimo kroz između još tako tada
    """.split()
)

REGION_STOP_WORDS = sorted(ALBANIAN | BCMS)
