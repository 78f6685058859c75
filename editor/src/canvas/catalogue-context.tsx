/** The node type catalogue, for components React Flow renders (node views get no props of ours). */
import { createContext, useContext } from 'react';
import type { NodeTypeMap } from '../api/queries.ts';

export const CatalogueContext = createContext<NodeTypeMap>(new Map());

export const useCatalogue = () => useContext(CatalogueContext);
